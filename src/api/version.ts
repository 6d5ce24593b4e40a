/** The API version whose shapes OpenCheckout serves: the one the pinned `stripe` SDK (23.1.0) sends. */
export const CURRENT_API_VERSION = '2026-10-28.endive';
