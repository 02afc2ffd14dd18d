/** The committed OpenAPI document. */
export declare const SOURCE: URL;
/** The generated file (web/src/lib/api-types.ts). */
export declare const OUTPUT: URL;
/** The text of api-types.ts for the current openapi.json. */
export declare function generate(): Promise<string>;
/** The text of api-types.ts as it is now (null if missing). */
export declare function committed(): Promise<string | null>;
