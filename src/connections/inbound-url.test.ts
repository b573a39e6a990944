import { describe, expect, it } from 'vitest';
import { inboundUrl, listenOrigin, withInboundUrl } from './inbound-url.js';

describe('inboundUrl', () => {
  it('puts /ipn/<id> on the origin, without doubling a trailing slash', () => {
    expect(inboundUrl('https://ipn.example.com', 'src_1')).toBe(
      'https://ipn.example.com/ipn/src_1',
    );
    expect(inboundUrl('https://example.com/hub/', 'src_1')).toBe(
      'https://example.com/hub/ipn/src_1',
    );
  });

  it('escapes what an id should never hold', () => {
    expect(inboundUrl('https://ipn.example.com', 'a/b?c')).toBe(
      'https://ipn.example.com/ipn/a%2Fb%3Fc',
    );
  });

  it('adds the URL to a source', () => {
    expect(withInboundUrl({ id: 'src_1', name: 'Shop' }, 'http://127.0.0.1:8080')).toEqual({
      id: 'src_1',
      name: 'Shop',
      inboundUrl: 'http://127.0.0.1:8080/ipn/src_1',
    });
  });
});

describe('listenOrigin', () => {
  it('is the listen address, a wildcard one reached on the loopback address, IPv6 in brackets', () => {
    expect(listenOrigin('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(listenOrigin('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(listenOrigin('::', 8080)).toBe('http://[::1]:8080');
    expect(listenOrigin('::1', 3000)).toBe('http://[::1]:3000');
    expect(listenOrigin('hub.internal', 80)).toBe('http://hub.internal:80');
  });
});
