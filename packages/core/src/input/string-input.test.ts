import { describe, expect, it } from 'vitest';
import { readingOf, type StringReading } from './string-input.js';

const JPEG_BASE64_HEAD = '/9j/4AAQSkZJRgABAQAAAQABAAD';

describe('readingOf', () => {
  const cases: [string, StringReading][] = [
    ['data:image/jpeg;base64,AAAA', 'data-url'],
    ['DATA:image/png,%89PNG', 'data-url'],
    ['https://example.com/face.jpg', 'fetch'],
    ['HTTP://example.com/face.jpg', 'fetch'],
    ['blob:https://example.com/1234', 'fetch'],
    ['img/face.jpg', 'fetch'],
    ['face.jpg', 'fetch'],
    ['./face.png?v=2', 'fetch'],
    ['../photos/face.webp', 'fetch'],
    ['/photos/face.jpg', 'fetch'],
    ['photos/face%20one.jpg', 'fetch'],
    ['faces#first', 'fetch'],
    ['javascript:alert(1)', 'refused-scheme'],
    ['file:///etc/passwd', 'refused-scheme'],
    ['ftp://example.com/a.jpg', 'refused-scheme'],
    [JPEG_BASE64_HEAD, 'ambiguous'],
    ['/img/face', 'ambiguous'],
    ['aGVsbG8gd29ybGQ=', 'base64'],
    ['aGVsbG8_d29ybGQ-', 'base64'],
    ['img/face', 'base64'],
    ['!!this is not base64!!', 'base64'],
    ['aGVs bG8.', 'base64'],
    ['aGVsbG8g\nd29ybGQ=', 'base64'],
  ];
  for (const [text, reading] of cases) {
    it(`reads ${JSON.stringify(text)} as ${reading}`, () => expect(readingOf(text, false)).toBe(reading));
  }

  it('reads everything but a data URL as base64 when only data is allowed', () => {
    for (const [text] of cases) expect(readingOf(text, true)).toBe(/^data:/i.test(text) ? 'data-url' : 'base64');
  });
});
