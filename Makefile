# Convenience targets; the README's two commands are scripts/run.sh and scripts/test.sh.
.PHONY: run test bench bench-http bench-providers bench-db bench-gateway

run:
	./scripts/run.sh

test:
	./scripts/test.sh

bench: bench-http bench-providers bench-db bench-gateway

bench-http:
	bash bench/http/run.sh

bench-providers:
	bash bench/providers/run.sh

bench-db:
	bash bench/db/run.sh

bench-gateway:
	bash bench/gateway/run.sh
