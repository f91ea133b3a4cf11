"""Testing supervision (检测监管): agency registries, witness samples, commissions, reports,
the quality handling chain and the warnings raised on all of them."""
