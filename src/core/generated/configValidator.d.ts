// Types of the Ajv standalone validator generated next to this file.
export interface SchemaError {
  /** JSON Pointer to the offending value. */
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

interface Validate {
  (data: unknown): boolean;
  /** Errors of the last call, or null when it passed. */
  errors?: SchemaError[] | null;
}

declare const validate: Validate;
export = validate;
