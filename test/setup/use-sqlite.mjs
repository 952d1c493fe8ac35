// Jest project "sqlite": createTestApp and the database fixtures use SQLite.
process.env.TEST_DATABASE = 'sqlite';
