import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { can, rolesFor } from './can';

describe('can', () => {
  it('answers from the one table', () => {
    expect(can({ role: 'chair' }, 'change-owner')).toBe(true);
    expect(can({ role: 'leader' }, 'change-owner')).toBe(false);
    expect(can({ role: 'leader' }, 'override-level')).toBe(true);
    expect(can({ role: 'owner' }, 'run-meetings')).toBe(false);
    expect(can({ role: 'observer' }, 'see-settings')).toBe(false);
    expect(rolesFor('run-meetings')).toEqual(['chair', 'leader']);
  });

  // Issue #19 item 2: roles are read only by the guards and can(); routes and components ask can() instead.
  it('is the only place routes and components compare roles', () => {
    const files = ['app/routes', 'app/components'].flatMap((dir) =>
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.tsx?$/.test(f))
        .map((f) => path.join(dir, f)),
    );
    const comparisons = files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ at: `${file}:${i + 1}`, line }))
        .filter(({ line }) => /\brole\s*[!=]==?\s*'|'(chair|leader|owner|observer)'\s*[!=]==?\s*\w*role\b/i.test(line))
        .map(({ at }) => at),
    );
    expect(comparisons).toEqual([]);
  });
});
