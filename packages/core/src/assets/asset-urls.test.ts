import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveAssetUrls, withAssetHash } from './asset-urls.js';

const SHA = 'abcdef0123456789'.repeat(4);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('withAssetHash', () => {
  it("puts the start of the sha256 in an http(s) URL's query", () => {
    expect(withAssetHash('https://cdn.example/a/model.onnx', SHA)).toBe('https://cdn.example/a/model.onnx?sha256=abcdef0123456789');
  });

  it("resolves a path without an origin against the page (Next.js's bundlers give one)", () => {
    vi.stubGlobal('location', { href: 'https://app.example/deep/route' });
    expect(withAssetHash('/_next/static/media/model.1a2b.onnx', SHA)).toBe('https://app.example/_next/static/media/model.1a2b.onnx?sha256=abcdef0123456789');
  });

  it('leaves data: and blob: URLs as they are', () => {
    expect(withAssetHash('data:application/octet-stream;base64,AAAA', SHA)).toBe('data:application/octet-stream;base64,AAAA');
    expect(withAssetHash('blob:https://app.example/0f1e', SHA)).toBe('blob:https://app.example/0f1e');
  });
});

describe('resolveAssetUrls', () => {
  it('puts every asset under baseUrl, each with its hash', () => {
    const urls = resolveAssetUrls('https://cdn.example/emolens');
    expect(Object.keys(urls).length).toBeGreaterThan(5);
    for (const url of Object.values(urls)) expect(url).toMatch(/^https:\/\/cdn\.example\/emolens\/[^/]+\?sha256=[0-9a-f]{16}$/);
  });
});
