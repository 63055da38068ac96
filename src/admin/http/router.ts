// A tiny path-template router for the Admin API. Templates use Kong's `/endpoints` notation
// (`/services/{services}/routes`), so the list it keeps is exactly what `GET /endpoints` shows.
// Literal segments beat parameters position by position (Lapis does the same), so
// `/plugins/enabled` wins over `/plugins/{plugins}` and `/upstreams/{u}/targets/all` over
// `/upstreams/{u}/targets/{targets}`.

export type Params = Record<string, string>;

export interface RouteMatchResult<H> {
  template: string;
  params: Params;
  handlers: ReadonlyMap<string, H>;
}

interface Entry<H> {
  template: string;
  segments: Array<{ literal: string } | { param: string }>;
  handlers: Map<string, H>;
}

function parseTemplate(template: string): Entry<never>['segments'] {
  return template.split('/').slice(1).map((part) => {
    const m = /^\{([A-Za-z0-9_-]+)\}$/.exec(part);
    return m ? { param: m[1]! } : { literal: part };
  });
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // A malformed escape is matched literally rather than failing the whole request.
    return raw;
  }
}

export class AdminRouter<H> {
  readonly #entries: Entry<H>[] = [];
  readonly #byTemplate = new Map<string, Entry<H>>();

  /** Registers `handler` for `method` on `template`; a later registration for the same pair replaces it. */
  add(method: string, template: string, handler: H): void {
    let entry = this.#byTemplate.get(template);
    if (!entry) {
      entry = { template, segments: parseTemplate(template), handlers: new Map() };
      this.#byTemplate.set(template, entry);
      this.#entries.push(entry);
    }
    entry.handlers.set(method.toUpperCase(), handler);
  }

  /** Removes every handler of a template (used to disable generated endpoints Kong disables). */
  remove(template: string): void {
    const entry = this.#byTemplate.get(template);
    if (!entry) return;
    this.#byTemplate.delete(template);
    this.#entries.splice(this.#entries.indexOf(entry), 1);
  }

  has(template: string): boolean {
    return this.#byTemplate.has(template);
  }

  templates(): string[] {
    return this.#entries.map((e) => e.template);
  }

  /** Matches a raw (still percent-encoded) path; a trailing slash is tolerated as in Kong. */
  match(rawPath: string): RouteMatchResult<H> | null {
    const exact = this.#matchExact(rawPath);
    if (exact || rawPath.length <= 1) return exact;
    return rawPath.endsWith('/') ? this.#matchExact(rawPath.slice(0, -1)) : null;
  }

  #matchExact(rawPath: string): RouteMatchResult<H> | null {
    const parts = rawPath.split('/').slice(1);
    let best: Entry<H> | null = null;
    let bestScore = '';
    for (const entry of this.#entries) {
      if (entry.segments.length !== parts.length) continue;
      let score = '';
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = entry.segments[i]!;
        if ('literal' in seg) {
          if (seg.literal !== parts[i]) { ok = false; break; }
          score += '1';
        } else {
          if (parts[i] === '') { ok = false; break; }
          score += '0';
        }
      }
      if (ok && score > bestScore) { best = entry; bestScore = score; }
      else if (ok && best === null) { best = entry; bestScore = score; }
    }
    if (!best) return null;
    const params: Params = {};
    best.segments.forEach((seg, i) => {
      if ('param' in seg) params[seg.param] = decodeSegment(parts[i]!);
    });
    return { template: best.template, params, handlers: best.handlers };
  }
}
