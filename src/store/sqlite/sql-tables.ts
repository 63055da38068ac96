// Which entity tables exist and how each is laid out. Layouts follow the constraint metadata of
// the entity registry at the time of use, so entities that plugins register after the store is
// open (credentials) get a table on their first write, and deleting a consumer cascades to them.
import { defaultRelationSources } from '../memory/default-relations.ts';
import { buildRelations, relationsOf } from '../memory/relations.ts';
import type { RelationMap, RelationSource } from '../memory/relations.ts';
import type { SqlDialect, SqlSession } from '../migrations/dialect.ts';
import { createTableSql, tableLayout } from '../migrations/layout.ts';
import type { TableLayout } from '../migrations/layout.ts';

export class SqlTables {
  readonly dialect: SqlDialect;
  private readonly fixedSources: Record<string, RelationSource> | undefined;
  private relationMap: RelationMap | null = null;
  private relationKey = '';
  private layouts = new Map<string, TableLayout>();
  /** Tables known to exist (committed). */
  private readonly existing = new Set<string>();
  /** Tables created by the write transaction in progress; forgotten if it rolls back. */
  private readonly created = new Set<string>();

  constructor(dialect: SqlDialect, sources?: Record<string, RelationSource>) {
    this.dialect = dialect;
    this.fixedSources = sources;
  }

  relations(): RelationMap {
    const sources = this.fixedSources ?? defaultRelationSources();
    const key = this.fixedSources ? 'fixed' : JSON.stringify(sources);
    if (!this.relationMap || key !== this.relationKey) {
      this.relationMap = buildRelations(sources);
      this.relationKey = key;
      this.layouts = new Map();
    }
    return this.relationMap;
  }

  registeredTables(): string[] {
    return [...this.relations().keys()];
  }

  layout(table: string): TableLayout {
    const relations = this.relations();
    let layout = this.layouts.get(table);
    if (!layout) {
      layout = tableLayout(table, relationsOf(relations, table));
      this.layouts.set(table, layout);
    }
    return layout;
  }

  async exists(session: SqlSession, table: string): Promise<boolean> {
    if (this.existing.has(table) || this.created.has(table)) return true;
    const rows = await session.all(this.dialect.listTablesSql);
    for (const row of rows) this.existing.add(String(row.name));
    return this.existing.has(table);
  }

  /** Creates `table` (and the tables it references, first) when missing. Inside a write transaction. */
  async ensure(session: SqlSession, table: string, visiting = new Set<string>()): Promise<TableLayout> {
    const layout = this.layout(table);
    if (await this.exists(session, table)) return layout;
    visiting.add(table);
    for (const fk of layout.foreignKeys) {
      if (!visiting.has(fk.reference)) await this.ensure(session, fk.reference, visiting);
    }
    for (const statement of createTableSql(layout, this.dialect)) await session.run(statement);
    this.created.add(table);
    return layout;
  }

  /** Every table that may hold entity rows: registered ones plus the extra names given. */
  async entityTables(session: SqlSession, extra: Iterable<string> = []): Promise<string[]> {
    const names = new Set([...this.relations().keys(), ...extra]);
    const out: string[] = [];
    for (const name of names) if (await this.exists(session, name)) out.push(name);
    return out;
  }

  commitCreated(): void {
    for (const table of this.created) this.existing.add(table);
    this.created.clear();
  }

  forgetCreated(): void {
    this.created.clear();
  }

  /** After a reset or a failure that may have dropped tables. */
  forgetAll(): void {
    this.existing.clear();
    this.created.clear();
  }
}
