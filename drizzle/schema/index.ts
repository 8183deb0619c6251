export * from './agents';
export * from './auth';
export * from './ceo';
export * from './columns';
export * from './ops';
export * from './reviews';
export * from './telegram';
export * from './work';
