// Target (c): the ceiling. Bare Fastify, no authentication, the same two-message JSON.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/api/messages', async () => ({
  messages: [
    { date: new Date(), text: 'I am a robot.' },
    { date: new Date(Date.now() - 1000 * 60 * 60), text: 'Hello, world!' },
  ],
  nextCursor: null,
}));

const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on ${url}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
