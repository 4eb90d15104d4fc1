export * from './schema';
export * from './errors';
export { Reader } from './reader';
export { Writer, ZERO_COPY_THRESHOLD } from './writer';
export { defaultValue, defaultStruct, isDefaultValue } from './defaults';
export { decodeMessage } from './decode';
export { encodeMessage } from './encode';
export * from './headers';
