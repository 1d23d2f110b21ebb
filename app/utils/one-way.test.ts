import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue #19: a newcomer adds a page by copying one pattern. These checks fail when a route strays from it.
const ROUTES = 'app/routes';
const routeFiles = fs
  .readdirSync(ROUTES)
  .filter((f) => /\.tsx?$/.test(f))
  .map((f) => path.join(ROUTES, f));

function linesMatching(pattern: RegExp) {
  return routeFiles.flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ at: `${file}:${i + 1}`, line }))
      .filter(({ line }) => pattern.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*'))
      .map(({ at }) => at),
  );
}

describe('one way to write a route', () => {
  it('parses a multi-form intent with one zod union, not formData.get chains', () => {
    expect(linesMatching(/formData\.get\(\s*['"]intent['"]\s*\)/)).toEqual([]);
  });

  it('sends no query from a route: services do', () => {
    expect(linesMatching(/\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/)).toEqual([]);
  });

  it('answers a failed action with ActionFailure only', () => {
    // The old shapes, hand-built: { formError }, { formErrors: [] }, { reason }, { field, message }, a bare 'ok'.
    const oldShape = /json\(\s*(\{\s*(formErrors?|reason|field|message)\s*:|['"]ok['"])/;
    expect(routeFiles.filter((file) => oldShape.test(fs.readFileSync(file, 'utf8')))).toEqual([]);
  });
});
