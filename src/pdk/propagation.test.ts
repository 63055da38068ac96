import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractTraceContext, injectionHeaders, propagate } from './propagation.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

test('extracts w3c, b3, b3-single, jaeger and ot contexts', () => {
  assert.deepEqual(extractTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01` }, null), { traceId: TRACE, spanId: SPAN, sampled: true, format: 'w3c' });
  assert.deepEqual(extractTraceContext({ 'x-b3-traceid': SPAN, 'x-b3-spanid': SPAN }, null), { traceId: `${'0'.repeat(16)}${SPAN}`, spanId: SPAN, sampled: null, format: 'b3' });
  assert.deepEqual(extractTraceContext({ b3: `${TRACE}-${SPAN}-d` }, null), { traceId: TRACE, spanId: SPAN, sampled: true, format: 'b3-single' });
  assert.deepEqual(extractTraceContext({ 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }, null), { traceId: TRACE, spanId: SPAN, sampled: true, format: 'jaeger' });
  assert.deepEqual(extractTraceContext({ 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': SPAN, 'ot-tracer-sampled': '0' }, null), { traceId: TRACE, spanId: SPAN, sampled: false, format: 'ot' });
});

test('invalid or all-zero ids, version ff and formats outside the extract list are ignored', () => {
  assert.equal(extractTraceContext({ traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }, null), null);
  assert.equal(extractTraceContext({ traceparent: `ff-${TRACE}-${SPAN}-01` }, null), null);
  assert.equal(extractTraceContext({ 'x-b3-traceid': 'xyz', 'x-b3-spanid': SPAN }, null), null);
  assert.equal(extractTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01` }, ['b3']), null);
});

test('injection headers per format; propagate clears, then injects preserve + listed formats', () => {
  assert.deepEqual(injectionHeaders('jaeger', TRACE, SPAN, false), { 'uber-trace-id': `${TRACE}:${SPAN}:0:00` });
  assert.deepEqual(injectionHeaders('b3-single', TRACE, SPAN, true), { b3: `${TRACE}-${SPAN}-1` });
  const set = new Map<string, string>();
  const cleared: string[] = [];
  propagate({ set_header: (name, value) => set.set(name, value), clear_header: (name) => cleared.push(name) },
    { clear: ['x-old'], inject: ['preserve', 'ot'], default_format: 'w3c' }, null, TRACE, SPAN, true);
  assert.deepEqual(cleared, ['x-old']);
  assert.equal(set.get('traceparent'), `00-${TRACE}-${SPAN}-01`);
  assert.equal(set.get('ot-tracer-spanid'), SPAN);
});
