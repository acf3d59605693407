import path from 'node:path';

/** The reference web client's static files, served by the API under /app/. */
export const WEB_PUBLIC_DIR = path.resolve(__dirname, '../public');
