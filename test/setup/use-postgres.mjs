// Jest project "postgres": createTestApp and the database fixtures create a fresh PostgreSQL database each.
process.env.TEST_DATABASE = 'postgres';
