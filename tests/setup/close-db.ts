import { afterAll } from 'vitest';
import { closeFileDatabase } from './test-db';

afterAll(async () => {
  await closeFileDatabase();
});
