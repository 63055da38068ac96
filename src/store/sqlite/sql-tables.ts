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
  /**
   * Tables created by the write transaction in progress, with its session: only that session
   * sees them until COMMIT; they are forgotten if it rolls back.
   */
  private readonly created = new Map<string, SqlSession>();

  /** Clock in epoch seconds, for ttl expiry (tests pass a fake one). */
  readonly now: () => number;

  constructor(dialect: SqlDialect, sources?: Record<string, RelationSource>, now?: () => number) {
    this.dialect = dialect;
    this.fixedSources = sources;
    this.now = now ?? (() => Date.now() / 1000);
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
    if (this.existing.has(table) || this.created.get(table) === session) return true;
    const names = new Set((await session.all(this.dialect.listTablesSql)).map((row) => String(row.name)));
    // Only committed tables are remembered: the listing may include ones a transaction of this
    // session created and could still roll back.
    for (const name of names) if (!this.created.has(name)) this.existing.add(name);
    return names.has(table);
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
    this.created.set(table, session);
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
    for (const table of this.created.keys()) this.existing.add(table);
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
