import { describe, expect, it } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { describeEndpoint } from './describe-endpoint.js';

const page = 'https://app.example.com/demo/?collect=x';

describe('describeEndpoint', () => {
  it('names an endpoint on the page\'s own origin as this site, with its path', () => {
    expect(describeEndpoint('/collect/insert', page)).toBe('this site (/collect/insert)');
    expect(describeEndpoint('collect/insert', page)).toBe('this site (/demo/collect/insert)');
    expect(describeEndpoint('https://app.example.com/insert?token=1#x', page)).toBe('this site (/insert)');
  });

  it('names another origin by host and path, leaving out credentials and query', () => {
    expect(describeEndpoint('https://user:secret@collect.example.org:8443/v1/insert?k=1', page)).toBe('collect.example.org:8443/v1/insert');
    expect(describeEndpoint('http://app.example.com/insert', page)).toBe('app.example.com/insert'); // another scheme: another origin
  });

  it('names an absolute endpoint by host when there is no page', () => {
    expect(describeEndpoint('https://collect.example.org/insert')).toBe('collect.example.org/insert');
  });

  it('refuses what is not an http(s) URL with INVALID_REQUEST naming endpoint', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/plain,x', '', 'http://[::1', 42 as unknown as string]) {
      expect(() => describeEndpoint(bad, page)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'endpoint' }) }));
      expect(() => describeEndpoint(bad, page)).toThrow(EmoLensError);
    }
    expect(() => describeEndpoint('/insert')).toThrow(EmoLensError); // relative, and no page to resolve it against
  });
});
