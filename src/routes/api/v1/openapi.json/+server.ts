// GET /api/v1/openapi.json: the public API's OpenAPI 3.1 description, built once from the request schemas.
import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/platform/openapi';
import type { RequestHandler } from './$types';

let document: ReturnType<typeof openApiDocument> | undefined;

export const GET: RequestHandler = async ({ url }) => {
	document ??= openApiDocument({ serverUrl: url.origin });
	return json(document, { headers: { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' } });
};
