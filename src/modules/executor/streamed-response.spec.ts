import { describe, expect, it } from 'vitest';
import type { ResponseHead } from './execution.types.js';
import { StreamedResponse } from './streamed-response.js';

describe('StreamedResponse', () => {
  it('passes every chunk on and keeps the start of the body, as text when its type is textual', () => {
    const seen: Array<ResponseHead | string> = [];
    const stream = new StreamedResponse({ start: (head) => seen.push(head), write: (chunk) => seen.push(chunk.toString()) }, 8);
    stream.start({ statusCode: 207, headers: { 'content-type': 'text/plain' } });
    stream.write(Buffer.from('hello '));
    stream.write(Buffer.from('world'));
    expect(seen).toEqual([{ statusCode: 207, headers: { 'content-type': 'text/plain' } }, 'hello ', 'world']);
    expect(stream.truncated).toBe(true);
    expect(stream.value()).toEqual({ statusCode: 207, headers: { 'content-type': 'text/plain' }, body: 'hello wo', isBase64Encoded: false });
  });

  it('keeps binary bodies in base64, and never cuts a character in two', () => {
    const binary = new StreamedResponse(undefined, 100);
    binary.start({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
    binary.write(Buffer.from([0, 255]));
    expect(binary.value()).toMatchObject({ body: 'AP8=', isBase64Encoded: true, statusCode: 200 });
    const text = new StreamedResponse(undefined, 4);
    text.start({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    text.write(Buffer.from('abcé'));
    expect(text.value()).toMatchObject({ body: 'abc', isBase64Encoded: false });
    expect(text.truncated).toBe(true);
  });

  it('a chunk before any head starts a 200', () => {
    const stream = new StreamedResponse(undefined, 100);
    stream.write(Buffer.from('x'));
    expect(stream.started).toBe(true);
    expect(stream.value()).toMatchObject({ statusCode: 200, body: 'x' });
  });
});
