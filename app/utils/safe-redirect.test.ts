import { describe, expect, test } from 'vitest';
import { safeRedirect } from './safe-redirect';

describe('safeRedirect', () => {
  test('keeps paths on this site, with their query and fragment', () => {
    expect(safeRedirect('/forums/demo')).toBe('/forums/demo');
    expect(safeRedirect('/forums/demo/meetings/3?item=4#agenda')).toBe('/forums/demo/meetings/3?item=4#agenda');
    expect(safeRedirect('/a/../b')).toBe('/b');
  });

  test('anything that could leave the site, or break the header, falls back (issue #22)', () => {
    for (const target of [
      '/\t/evil.example/', // browsers drop the TAB: //evil.example
      '/\t\\evil.example/',
      '/\n/evil.example',
      '/x\r\nSet-Cookie: a=b',
      '/\u0000x',
      '/\u2028x',
      '//evil.example',
      '/\\evil.example',
      '/.//evil.example', // parses to the path //evil.example: protocol-relative if sent as is
      '/..//evil.example',
      'https://evil.example/',
      'evil.example',
      'javascript:alert(1)',
      '',
      `/${'x'.repeat(2001)}`,
      undefined,
      null,
      42,
    ]) {
      expect(safeRedirect(target), JSON.stringify(target)).toBe('/');
    }
    expect(safeRedirect('//evil.example', '/account')).toBe('/account');
  });
});
