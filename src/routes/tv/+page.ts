// The TV page runs only in the browser: it holds its device token in localStorage and its own socket.
export const ssr = false;
