export * from './institution';
export * from './people';
export * from './auth';
export * from './audit';
export * from './classes';
export * from './live';
export * from './outbox';
