/**
 * The development sign-in's DPoP key pairs, in IndexedDB: a CryptoKey is stored as it is, still
 * non-extractable, so the session survives a reload without the private key ever leaving WebCrypto.
 */
const DATABASE = 'messages-demo';
const STORE = 'dpop-keys';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  const database = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = use(database.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB refused the request'));
    });
  } finally {
    database.close();
  }
}

export function saveKeyPair(id: string, keyPair: CryptoKeyPair): Promise<void> {
  return withStore('readwrite', (store) => store.put(keyPair, id));
}

export async function findKeyPair(id: string): Promise<CryptoKeyPair | undefined> {
  return (await withStore<CryptoKeyPair | undefined>('readonly', (store) => store.get(id))) ?? undefined;
}

export function deleteKeyPair(id: string): Promise<void> {
  return withStore('readwrite', (store) => store.delete(id));
}
