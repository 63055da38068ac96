// Reads the plugin's .proto (and the files it imports, relative to its folder) into protobufjs
// types, and lists the REST bindings its `google.api.http` method options declare (the rule and
// its additional_bindings), as Kong's grpc-gateway deco does once per configuration.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type * as Protobuf from 'protobufjs';
import { compilePathTemplate, type PathTemplate } from './path-template.ts';

export interface HttpBinding {
  /** Upper-case HTTP method. */
  method: string;
  template: PathTemplate;
  /** `*` (whole body), a field name, or null (no body: query arguments fill the message). */
  body: string | null;
  /** The gRPC path: `/<package>.<Service>/<Method>`. */
  rpcPath: string;
  requestType: Protobuf.Type;
  responseType: Protobuf.Type;
}

type ProtobufModule = typeof Protobuf;

// Loaded on first use: the protobuf runtime is only needed by configurations of this plugin.
let runtime: ProtobufModule | null = null;

function protobuf(): ProtobufModule {
  runtime ??= createRequire(import.meta.url)('protobufjs') as ProtobufModule;
  return runtime;
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface HttpRule {
  get?: string; put?: string; post?: string; delete?: string; patch?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

function parseTree(file: string): Protobuf.Root {
  const pb = protobuf();
  const root = new pb.Root();
  const common = pb.common as unknown as Record<string, Protobuf.INamespace | undefined>;
  const loaded = new Set<string>();
  const folder = dirname(file);
  const load = (path: string): void => {
    if (loaded.has(path)) return;
    loaded.add(path);
    const parsed = pb.parse(readFileSync(path, 'utf8'), root, { keepCase: true });
    for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      const wellKnown = common[name];
      if (wellKnown !== undefined) {
        if (!loaded.has(name)) { loaded.add(name); root.addJSON(wellKnown.nested ?? {}); }
        continue;
      }
      const local = resolve(folder, name);
      // google/api/annotations.proto only declares the option read below; nothing to load.
      if (existsSync(local)) load(local);
    }
  };
  load(file);
  root.resolveAll();
  return root;
}

function rulesOf(method: Protobuf.Method): HttpRule[] {
  const rules: HttpRule[] = [];
  for (const option of method.parsedOptions ?? []) {
    const rule = (option as Record<string, unknown>)['(google.api.http)'] as HttpRule | undefined;
    if (rule === undefined) continue;
    rules.push(rule);
    const extra = rule.additional_bindings;
    if (extra !== undefined) rules.push(...(Array.isArray(extra) ? extra : [extra]));
  }
  return rules;
}

function* services(namespace: Protobuf.NamespaceBase): Generator<Protobuf.Service> {
  const pb = protobuf();
  for (const nested of namespace.nestedArray) {
    if (nested instanceof pb.Service) yield nested;
    if (nested instanceof pb.Namespace || nested instanceof pb.Type) yield* services(nested as Protobuf.NamespaceBase);
  }
}

/** Every REST binding of the file's services, in declaration order. Throws on unreadable files. */
export function loadProtoBindings(file: string): HttpBinding[] {
  const root = parseTree(file);
  const bindings: HttpBinding[] = [];
  for (const service of services(root)) {
    for (const method of service.methodsArray) {
      method.resolve();
      for (const rule of rulesOf(method)) {
        for (const verb of VERBS) {
          const path = rule[verb];
          if (typeof path !== 'string') continue;
          bindings.push({
            method: verb.toUpperCase(),
            template: compilePathTemplate(path),
            body: typeof rule.body === 'string' && rule.body !== '' ? rule.body : null,
            rpcPath: `/${service.fullName.slice(1)}/${method.name}`,
            requestType: method.resolvedRequestType!,
            responseType: method.resolvedResponseType!,
          });
        }
      }
    }
  }
  return bindings;
}
