import type { RegisteredHandler } from './handler';
import { produceHandler } from './00-produce';
import { fetchHandler } from './01-fetch';
import { listOffsetsHandler } from './02-list-offsets';
import { metadataHandler } from './03-metadata';
import { apiVersionsHandler } from './18-api-versions';
import { createTopicsHandler } from './19-create-topics';
import { deleteTopicsHandler } from './20-delete-topics';

/** Every API this broker serves; ApiVersions reports exactly this list. */
export function brokerHandlers(): RegisteredHandler[] {
  const handlers: RegisteredHandler[] = [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    createTopicsHandler,
    deleteTopicsHandler,
  ];
  handlers.push(apiVersionsHandler(() => handlers));
  return handlers;
}
