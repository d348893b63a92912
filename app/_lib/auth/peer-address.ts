// The address of whoever opened the connection, for rate limits. server.ts writes it into a
// request header (overwriting any value a client sent), because Next's handlers only see headers.
export const PEER_ADDRESS_HEADER = "x-kubelab-peer";

export function peerAddress(headers: Headers): string {
  return headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}
