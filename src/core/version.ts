// The Kong version Portico answers as (Server/Via tokens, GET /), and Portico's own.
export const KONG_VERSION = '3.10.0';
export const PORTICO_VERSION = '0.1.0';
export const SERVER_TOKEN = `kong/${KONG_VERSION}`;
