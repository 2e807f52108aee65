import * as ort from 'onnxruntime-node';
import { TrainingError } from '../../core/errors.js';

/**
 * The exported model in onnxruntime: float32 features [N, F] in, log-space forecasts [N, 16] out. The same
 * runner scores submissions and checks parity; release() frees the native session.
 */
export class OnnxForecaster {
  readonly #session: ort.InferenceSession;
  readonly featureCount: number;

  private constructor(session: ort.InferenceSession, featureCount: number) {
    this.#session = session;
    this.featureCount = featureCount;
  }

  /** Loads a model from its bytes or a file path. */
  static async load(model: Uint8Array | string, featureCount: number): Promise<OnnxForecaster> {
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2, interOpNumThreads: 1 };
    const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
    return new OnnxForecaster(session, featureCount);
  }

  /** Forecasts for `rows` feature rows (row-major, featureCount wide): rows × outputs, log space. */
  async predict(data: Float32Array, rows: number): Promise<{ values: Float32Array; outputs: number }> {
    if (data.length !== rows * this.featureCount) {
      throw new TrainingError(`ONNX input has ${data.length} values, expected ${rows} rows × ${this.featureCount} features`);
    }
    const input = new ort.Tensor('float32', data, [rows, this.featureCount]);
    const result = await this.#session.run({ [this.#session.inputNames[0]]: input });
    const output = result[this.#session.outputNames[0]];
    return { values: output.data as Float32Array, outputs: Number(output.dims[1]) };
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}
