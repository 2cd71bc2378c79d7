// The origin a caller reached this server at ("http://studio.local:5173"), from the request itself: absolute URLs
// in predictions are built from it, and the proxy compares a browser's Origin header with it.
import type { FastifyRequest } from 'fastify';

export const requestOrigin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
