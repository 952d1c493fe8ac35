// `node --import ./profile-preload.mjs dist/main.js`: the first SIGWINCH (a signal Nest's shutdown
// hooks leave alone) starts a CPU profile, the second writes it to $BENCH_PROFILE_FILE and exits
// (so warm-up and start-up stay out of it).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
let started = false;
process.on('SIGWINCH', () => {
  if (!started) {
    started = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  session.post('Profiler.stop', (error, result) => {
    if (error) console.error(error);
    else writeFileSync(process.env.BENCH_PROFILE_FILE ?? 'api.cpuprofile', JSON.stringify(result.profile));
    process.exit(0);
  });
});
