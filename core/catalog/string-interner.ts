/** Strings as small dense ints, so string columns are typed arrays compared by number. Append-only. */
export class StringInterner {
  private readonly ids = new Map<string, number>()

  constructor(private readonly strings: string[] = []) {
    strings.forEach((text, id) => this.ids.set(text, id))
  }

  get size(): number {
    return this.strings.length
  }

  /** The id of `text`, added if new. */
  intern(text: string): number {
    let id = this.ids.get(text)
    if (id === undefined) {
      id = this.strings.length
      this.strings.push(text)
      this.ids.set(text, id)
    }
    return id
  }

  /** The id of `text`, or -1 when no row ever held it. */
  lookup(text: string): number {
    return this.ids.get(text) ?? -1
  }

  text(id: number): string {
    return this.strings[id] ?? ''
  }

  toArray(): string[] {
    return [...this.strings]
  }
}
