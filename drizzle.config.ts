import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  schemaFilter: ['fastmoss'],
  // As src/db/migrate.ts keeps it: out of the analysts' schema.
  migrations: { schema: 'fastmoss_meta', table: '__drizzle_migrations' },
  strict: true,
  verbose: true,
});
