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
  export interface OpenJphOptions {
    locateFile?: (path: string, prefix: string) => string;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    /** Emscripten's hook to instantiate an already compiled module; returns {} when it answers later. */
    instantiateWasm?: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => object;
  }
  const factory: (options?: OpenJphOptions) => Promise<OpenJphModule>;
  export default factory;
}
