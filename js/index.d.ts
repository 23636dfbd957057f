// Types for mp-login. See README.md for the behaviour behind each name.

export type State = 'no-token' | 'checking' | 'logging-in' | 'authenticated' | 'expired';

export type ErrorCode =
  | 'CONFIG' | 'UNSUPPORTED' | 'LOGIN_FAILED' | 'EXCHANGE_FAILED' | 'NETWORK'
  | 'UNAUTHORIZED' | 'STORAGE' | 'LOGGED_OUT';

export declare class LoginError extends Error {
  constructor(code: ErrorCode, message: string);
  readonly name: 'LoginError';
  readonly code: ErrorCode;
  static readonly CODES: ErrorCode[];
}

export interface Response<T = any> {
  statusCode: number;
  data: T;
  header: Record<string, string>;
}

export interface RequestOptions {
  /** Relative urls are appended to baseUrl. */
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  data?: any;
  header?: Record<string, string>;
  timeout?: number;
  dataType?: string;
  responseType?: string;
  /** false: send without the token and never re-login for this request. */
  auth?: boolean;
  [option: string]: any;
}

export interface LoginEndpoint {
  url?: string;
  method?: string;
  codeField?: string;
  /** Dot path into the response data. */
  tokenPath?: string;
  /** Dot path into the response data; null: the server gives no lifetime (401 decides). */
  expiresInPath?: string | null;
}

export interface SessionOptions {
  baseUrl: string;
  allowedOrigins?: string[];
  login?: LoginEndpoint;
  exchange?: (code: string, request: (options: RequestOptions) => Promise<Response>) =>
    Promise<{ token: string; expiresIn?: number }>;
  tokenHeader?: string;
  tokenScheme?: string;
  tokenQuery?: string | null;
  storageKey?: string;
  leewaySeconds?: number;
  checkSession?: boolean;
  verify?: { url: string; method?: string } | null;
  unauthorized?: number[];
  isUnauthorized?: ((response: Response) => boolean) | null;
  maxRelogins?: number;
  /** Milliseconds a login's exchange (endpoint or hook) may take before EXCHANGE_FAILED; default 60000. */
  exchangeTimeout?: number;
  platform?: object;
  now?: () => number;
  /** Where WXWebAssembly finds the module inside the code package. */
  wasmPath?: string;
}

export interface Session {
  readonly state: State;
  readonly token: string | null;
  readonly expiresAt: number | null;
  start(): Promise<void>;
  ensureLogin(): Promise<void>;
  request<T = any>(options: RequestOptions): Promise<Response<T>>;
  logout(): Promise<void>;
  on(event: 'state', listener: (state: State, previous: State) => void): () => void;
  on(event: 'error', listener: (error: LoginError) => void): () => void;
  on(event: 'warning', listener: (message: string) => void): () => void;
  on(event: 'login' | 'logout' | 'expired', listener: () => void): () => void;
}

export declare function createSession(options: SessionOptions): Session;
