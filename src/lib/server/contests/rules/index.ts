// The pure contest rules: no database, no I/O, no clock (every time is a parameter).
export * from './ranking';
export * from './window';
export * from './tally';
export * from './lifecycle';
export * from './race-to-target';
export * from './bracket';
export * from './elimination';
export * from './challenge';
export * from './moments';
export * from './duel';
export * from './repeat';
export * from './backtest';
export * from './validate';
export * from './issues';
