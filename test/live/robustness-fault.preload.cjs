/* global process, setTimeout */
// Test-only preload (`node --require`), never part of a service: on SIGUSR2 the process it is loaded
// into gets one unhandled promise rejection and one uncaught exception, from outside the product code,
// so the REL-1 test can watch the real server's process policy deal with them.
process.on('SIGUSR2', () => {
  Promise.reject(new Error('injected unhandled rejection'));
  setTimeout(() => {
    throw new Error('injected uncaught exception');
  }, 20);
});
