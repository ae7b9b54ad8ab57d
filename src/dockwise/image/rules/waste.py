"""Bytes that are shipped for nothing, and images over their budget."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.examples import DELETED, ImageExample
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.image.rules.base import ImageRule, ImageTarget
from dockwise.units import human_bytes


#: Files a DI006 message names, and files its ``extra["files"]`` lists.
FILES_IN_MESSAGE = 3
FILES_NAMED = 10


def _quoted(path: str) -> str:
    return path if " " not in path and "," not in path else repr(path)


class HiddenContent(ImageRule):
    info = RuleInfo(
        code="DI006",
        name="image-hidden-content",
        severity=Severity.WARNING,
        summary="A layer adds content that a later layer deletes or overwrites (still shipped).",
        rationale=("Deleting or overwriting a file in a later layer only hides it: the bytes stay in "
                   "the earlier layer and every pull downloads them. Create and remove temporary "
                   "files in the same RUN, or build them in another stage."),
        bad_example=ImageExample(note="three RUNs: download, unpack, rm /tmp/sdk.tgz", layers=[
            {"/tmp/sdk.tgz": 2 << 20}, {"/opt/sdk/bin/sdk": (4000, 0o755)}, {"/tmp/sdk.tgz": DELETED}]),
        good_example=ImageExample([{"/opt/sdk/bin/sdk": (4000, 0o755)}]),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        threshold = target.options.hidden_threshold
        hidden_by = target.analysis.merged.hidden_by
        for layer in target.analysis.layers:
            wasted = layer.stats.reclaimable_bytes
            if wasted < max(threshold, 1):
                continue
            hiders = sorted(((h, b) for (o, h), b in hidden_by.items() if o == layer.index and b),
                            key=lambda hb: -hb[1])
            by = ", ".join(f"{target.layer_name(h)} ({human_bytes(b)})" for h, b in hiders[:3])
            files = target.analysis.wasted_files(FILES_NAMED, layer=layer.index)
            named = ", ".join(f"{_quoted('/' + w.path)} {human_bytes(w.size)}" for w in files[:FILES_IN_MESSAGE])
            more = len(target.analysis.wasted_files(None, layer=layer.index)) - FILES_IN_MESSAGE
            named += f" and {more} more" if more > 0 else ""
            yield target.finding(
                self.info,
                f"{target.layer_name(layer.index)} adds {human_bytes(wasted)} that later layers delete or "
                f"overwrite ({by or 'the same layer'}): {named}; they are still shipped -- create and "
                "remove them in the same RUN, or build them in another stage",
                layer=layer.index, bytes=wasted,
                hidden_by=[h + 1 for h, _ in hiders],
                files=[{"path": "/" + w.path, "bytes": w.size, "hidden_by": w.hidden_by + 1} for w in files])


class SizeBudget(ImageRule):
    info = RuleInfo(
        code="DI010",
        name="image-over-size-budget",
        severity=Severity.ERROR,
        summary="The image is larger than its size budget (--max-size).",
        rationale=("Image size is pull time on every node and every cold start, registry storage and "
                   "transfer cost. A budget in CI stops the slow creep of a few megabytes per change."),
        bad_example=ImageExample([{"/app/model.bin": 3 << 20}], options={"max_size": 1 << 20}),
        good_example=ImageExample([{"/app/model.bin": 512 << 10}], options={"max_size": 1 << 20}),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        from dockwise.image.gates import size_budget

        budget = target.options.max_size
        analysis = target.analysis
        if budget is None or size_budget(analysis, budget).passed:
            return
        biggest = max(analysis.layers, key=lambda l: l.stats.total_bytes, default=None)
        where = f"; the largest is {target.layer_name(biggest.index)}, {human_bytes(biggest.stats.total_bytes)}" \
            if biggest else ""
        yield target.finding(
            self.info,
            f"the image holds {human_bytes(analysis.total_bytes)} ({analysis.total_bytes} bytes), over its "
            f"budget of {human_bytes(budget)}{where}",
            layer=biggest.index if biggest else None, bytes=analysis.total_bytes, budget=budget)
