// The ONE list of bundled plugins (Kong's `plugins` table in kong/constants.lua). Each plugin
// folder adds its definition here; the registry expands `bundled` in the `plugins` setting to it.
import type { AnyPluginDefinition } from '../pdk/index.ts';
import { plugin as keyAuth } from './key-auth/handler.ts';
import { plugin as basicAuth } from './basic-auth/handler.ts';
import { plugin as acl } from './acl/handler.ts';
import { plugin as cors } from './cors/handler.ts';
import { plugin as ipRestriction } from './ip-restriction/handler.ts';
import { plugin as botDetection } from './bot-detection/handler.ts';
import { plugin as requestSizeLimiting } from './request-size-limiting/handler.ts';
import { plugin as requestTermination } from './request-termination/handler.ts';
import { plugin as jwt } from './jwt/handler.ts';
import { plugin as hmacAuth } from './hmac-auth/handler.ts';
import { plugin as httpLog } from './http-log/handler.ts';
import { plugin as fileLog } from './file-log/handler.ts';
import { plugin as tcpLog } from './tcp-log/handler.ts';
import { plugin as udpLog } from './udp-log/handler.ts';
import { plugin as syslog } from './syslog/handler.ts';
import { plugin as loggly } from './loggly/handler.ts';
import { plugin as prometheus } from './prometheus/handler.ts';
import { plugin as statsd } from './statsd/handler.ts';
import { plugin as datadog } from './datadog/handler.ts';
import { plugin as rateLimiting } from './rate-limiting/handler.ts';
import { plugin as oauth2 } from './oauth2/handler.ts';
import { plugin as aiProxy } from './ai-proxy/handler.ts';
import { plugin as aiPromptTemplate } from './ai-prompt-template/handler.ts';
import { plugin as aiPromptDecorator } from './ai-prompt-decorator/handler.ts';
import { plugin as aiPromptGuard } from './ai-prompt-guard/handler.ts';
import { plugin as aiRequestTransformer } from './ai-request-transformer/handler.ts';
import { plugin as aiResponseTransformer } from './ai-response-transformer/handler.ts';
import { plugin as session } from './session/handler.ts';
import { plugin as redirect } from './redirect/handler.ts';
import { plugin as correlationId } from './correlation-id/handler.ts';
import { plugin as ldapAuth } from './ldap-auth/handler.ts';
import { plugin as requestTransformer } from './request-transformer/handler.ts';
import { plugin as responseTransformer } from './response-transformer/handler.ts';
import { plugin as responseRatelimiting } from './response-ratelimiting/handler.ts';
import { plugin as proxyCache } from './proxy-cache/handler.ts';
import { plugin as openTelemetry } from './opentelemetry/handler.ts';
import { plugin as zipkin } from './zipkin/handler.ts';
import { plugin as grpcWeb } from './grpc-web/handler.ts';
import { plugin as grpcGateway } from './grpc-gateway/handler.ts';

export const bundledPlugins: AnyPluginDefinition[] = [
  keyAuth,
  basicAuth,
  acl,
  cors,
  ipRestriction,
  botDetection,
  requestSizeLimiting,
  requestTermination,
  jwt,
  hmacAuth,
  httpLog,
  fileLog,
  tcpLog,
  udpLog,
  syslog,
  loggly,
  prometheus,
  statsd,
  datadog,
  rateLimiting,
  oauth2,
  aiProxy,
  aiPromptTemplate,
  aiPromptDecorator,
  aiPromptGuard,
  aiRequestTransformer,
  aiResponseTransformer,
  session,
  redirect,
  correlationId,
  ldapAuth,
  requestTransformer,
  responseTransformer,
  responseRatelimiting,
  proxyCache,
  openTelemetry,
  zipkin,
  grpcWeb,
  grpcGateway,
];
