import { createContext, useContext } from 'react';

/**
 * The CSP nonce of the page's scripts, from the server's render (entry.server.tsx). Not loader data: the loader
 * data is the same for every view of an unchanged page, which lets the server reuse the page's render. In the
 * browser it is undefined: scripts added after load are Remix's own modules, allowed by 'self'.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export const useNonce = () => useContext(NonceContext);
