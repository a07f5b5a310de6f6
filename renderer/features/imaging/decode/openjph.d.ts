// Types for the parts of @cornerstonejs/codec-openjph (an Emscripten/embind build) the decode worker uses.
declare module '@cornerstonejs/codec-openjph' {
  export interface OpenJphFrameInfo {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
    isUsingColorTransform: boolean;
  }
  export interface OpenJphDecoder {
    getEncodedBuffer(length: number): Uint8Array;
    getDecodedBuffer(): Uint8Array;
    decode(): void;
    getFrameInfo(): OpenJphFrameInfo;
    delete(): void;
  }
  export interface OpenJphModule {
    HTJ2KDecoder: new () => OpenJphDecoder;
  }
  const factory: (options?: { locateFile?: (path: string, prefix: string) => string; print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<OpenJphModule>;
  export default factory;
}
