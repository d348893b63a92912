// Stand-in for the `server-only` marker package under Vitest, which is not Next's
// react-server build. The marker only guards bundling; it has no behaviour to test.
export {};
