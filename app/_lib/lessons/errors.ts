// A lesson problem that names where it is, so an author can fix it without guessing.
export class LessonError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    const where = line ? `${file}:${line}` : file;
    super(`${where}: ${field ? `${field}: ` : ""}${detail}`);
    this.name = "LessonError";
  }
}
