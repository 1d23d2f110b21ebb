import { migrateTemplate } from './server-db';

// With DATABASE_URL set, migrate a template database once; each test file copies it (CREATE DATABASE … TEMPLATE).
export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) await migrateTemplate(url);
}
