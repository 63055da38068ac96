import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsFromEnv, canonicalQuery, canonicalUri, signSigV4, type AwsCredentials } from './sigv4.ts';

// AWS's published SigV4 test-suite values (aws-sig-v4-test-suite): credentials, date and the
// expected signatures are facts of that suite.
const credentials: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const date = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));
const scope = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const stsToken =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

function sign(method: string, url: string, extra: { headers?: Record<string, string>; token?: string } = {}) {
  return signSigV4(
    { method, url, headers: extra.headers ?? {}, body: '' },
    { credentials: { ...credentials, sessionToken: extra.token }, region: 'us-east-1', service: 'service', date },
  );
}

test('get-vanilla: canonical request, string to sign and signature', () => {
  const result = sign('GET', 'https://example.amazonaws.com/');
  assert.equal(
    result.canonicalRequest,
    'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' +
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(
    result.stringToSign,
    'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n' +
      'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
  );
  assert.equal(
    result.headers.Authorization,
    `AWS4-HMAC-SHA256 ${scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
  );
  assert.equal(result.headers['X-Amz-Date'], '20150830T123600Z');
  assert.equal(result.headers['X-Amz-Security-Token'], undefined);
});

test('get-vanilla-query-order-key-case: query sorted before signing', () => {
  const result = sign('GET', 'https://example.amazonaws.com/?Param2=value2&Param1=value1');
  assert.equal(result.signature, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
});

test('post-vanilla and post-header-value-case', () => {
  assert.equal(sign('POST', 'https://example.amazonaws.com/').signature, '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  const withHeader = sign('POST', 'https://example.amazonaws.com/', { headers: { 'My-Header1': 'VALUE1' } });
  assert.match(withHeader.headers.Authorization, /SignedHeaders=host;my-header1;x-amz-date, /);
  assert.equal(withHeader.signature, 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d');
});

test('post-sts-header-before: the session token is signed and returned', () => {
  const result = sign('POST', 'https://example.amazonaws.com/', { token: stsToken });
  assert.equal(result.stringToSign.split('\n')[3], 'c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6');
  assert.equal(result.signature, '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead');
  assert.equal(result.headers['X-Amz-Security-Token'], stsToken);
});

test('a wrong secret gives a different signature', () => {
  const result = signSigV4(
    { method: 'GET', url: 'https://example.amazonaws.com/' },
    { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'nope' }, region: 'us-east-1', service: 'service', date },
  );
  assert.notEqual(result.signature, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
});

test('canonical URI double-encodes an encoded Bedrock model id; query values are strictly encoded', () => {
  assert.equal(canonicalUri('/model/anthropic.claude-v2%3A1/converse'), '/model/anthropic.claude-v2%253A1/converse');
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalQuery('?b=2&a=x y&a=1&c'), 'a=1&a=x%20y&b=2&c=');
  assert.equal(canonicalQuery("?q=it's*"), 'q=it%27s%2A');
});

test('body hash covers the payload', () => {
  const a = signSigV4({ method: 'POST', url: 'https://h/', body: '{}' }, { credentials, region: 'r', service: 's', date });
  const b = signSigV4({ method: 'POST', url: 'https://h/', body: '{ }' }, { credentials, region: 'r', service: 's', date });
  assert.ok(a.canonicalRequest.endsWith('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'));
  assert.notEqual(a.signature, b.signature);
});

test('AWS credentials and region from the environment', () => {
  assert.deepEqual(awsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_DEFAULT_REGION: 'eu-central-1' }), {
    region: 'eu-central-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 's', sessionToken: 't' },
  });
  assert.deepEqual(awsFromEnv({ AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'x', AWS_ACCESS_KEY_ID: 'AKID' }), { region: 'us-east-2' });
  assert.deepEqual(awsFromEnv({}), {});
});
