import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateErrorMime, nginxErrorMessage, rawErrorResponse, renderErrorBody } from './error-response.ts';
import { headerFlags } from './header-flags.ts';

describe('negotiateErrorMime (Kong get_response_type)', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'application/json'],
    ['text/html', 'text/html'],
    ['TEXT/HTML', 'application/json'], // matched case-insensitively, looked up exactly, as Kong does
    ['text/*', 'text/plain'],
    ['application/*', 'application/json'],
    ['*/*', 'application/json'],
    ['image/png', 'application/json'],
    ['text/html;q=0.5, application/xml', 'application/xml'],
    ['application/xml;q=0.3, text/html;q=0.3', 'application/xml'], // first of equal q wins
    ['text/plain;q=0', 'application/json'], // q=0 never wins
    ['text/html;level=1;q=0.9, text/plain;q=0.8', 'text/html'],
    ['garbage', 'application/json'],
  ];
  for (const [accept, expected] of cases) {
    it(`${String(accept)} → ${expected}`, () => assert.equal(negotiateErrorMime(accept), expected));
  }
});

describe('error bodies', () => {
  it('renders Kong templates', () => {
    assert.equal(renderErrorBody('application/json', 'm', 'r'), '{\n  "message":"m",\n  "request_id":"r"\n}');
    assert.equal(renderErrorBody('text/plain', 'm', 'r'), 'm\nrequest_id: r\n');
    assert.match(renderErrorBody('text/html', 'm', 'r'), /<h1>Error<\/h1>\n    <p>m\.<\/p>\n    <p>request_id: r<\/p>/);
  });

  it('uses nginx messages, 494 as the header-too-large text', () => {
    assert.equal(nginxErrorMessage(502), 'An invalid response was received from the upstream server');
    assert.equal(nginxErrorMessage(494), 'Request header or cookie too large');
    assert.equal(nginxErrorMessage(599), 'An unexpected error occurred');
  });

  it('writes a raw page with 494 answered as 400 and headers per settings', () => {
    const on = rawErrorResponse(494, 'Bad Request', headerFlags({ headers: ['server_tokens', 'x-kong-request-id'], headers_upstream: [] }), 'abc', 'text/plain');
    assert.match(on, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(on, /\r\nServer: kong\/3\.10\.0\r\n/);
    assert.match(on, /\r\nX-Kong-Request-Id: abc\r\n/);
    assert.ok(on.endsWith('\r\n\r\nRequest header or cookie too large\nrequest_id: abc\n'));
    const off = rawErrorResponse(408, 'Request Timeout', headerFlags({ headers: [], headers_upstream: [] }), 'abc', 'application/json');
    assert.doesNotMatch(off, /Server:|X-Kong-Request-Id:/);
    assert.match(off, /Content-Type: application\/json; charset=utf-8/);
  });
});
