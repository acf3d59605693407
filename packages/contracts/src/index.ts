export * from './errors';
export * from './common';
export * from './auth';
export * from './institution';
export * from './staff';
export * from './audit';
export * from './health';
