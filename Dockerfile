# One image for api, worker and beat. CPU-only torch is installed first (no CUDA download).
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
    OMNIREPLY_DATA_DIR=/data
WORKDIR /app
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir .
COPY prompts ./prompts
COPY knowledge_base ./knowledge_base
RUN useradd --create-home omnireply && mkdir -p /data && chown omnireply /data
USER omnireply
EXPOSE 8000
CMD ["omnireply", "serve", "--host", "0.0.0.0"]
