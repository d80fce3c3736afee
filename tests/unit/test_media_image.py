"""Image, masks and boxes: accepted inputs, decoded pixels, payload bytes and error messages."""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import PIL.Image
import pytest

from filmstrip.media import image as image_module
from filmstrip.media.base import from_payload
from filmstrip.media.image import Image
from filmstrip.media.overlays import decode_mask


def decode_png(data: bytes) -> np.ndarray:
    with PIL.Image.open(io.BytesIO(data)) as pil:
        return np.array(pil)


def meta_of(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key != "buffers"}


def rgb_gradient(height: int = 6, width: int = 5) -> np.ndarray:
    rows = np.arange(height * width * 3, dtype=np.uint8).reshape(height, width, 3)
    return rows


# --------------------------------------------------------------------------- arrays


def test_uint8_rgb_array_becomes_png_with_same_pixels():
    pixels = rgb_gradient()
    payload = Image(pixels).to_payload()
    assert payload["buffers"]["image"].startswith(b"\x89PNG")
    assert (payload["width"], payload["height"], payload["mode"], payload["format"]) == (
        5,
        6,
        "RGB",
        "png",
    )
    np.testing.assert_array_equal(decode_png(payload["buffers"]["image"]), pixels)
    json.dumps(meta_of(payload))  # meta is JSON-able


@pytest.mark.parametrize(
    ("shape", "mode", "decoded_shape"),
    [
        ((4, 5), "L", (4, 5)),
        ((4, 5, 1), "L", (4, 5)),
        ((4, 5, 3), "RGB", (4, 5, 3)),
        ((4, 5, 4), "RGBA", (4, 5, 4)),
        ((1, 4, 5), "L", (4, 5)),
        ((3, 4, 5), "RGB", (4, 5, 3)),
        ((4, 4, 5), "RGBA", (4, 5, 4)),
    ],
)
def test_accepted_shapes_and_channel_first(shape, mode, decoded_shape):
    pixels = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    image = Image(pixels)
    assert image.mode == mode and (image.height, image.width) == (4, 5)
    decoded = decode_png(image.to_payload()["buffers"]["image"])
    assert decoded.shape == decoded_shape
    if len(shape) == 3 and shape[-1] not in (1, 3, 4):
        expected = np.moveaxis(pixels, 0, -1).squeeze()
    else:
        expected = pixels.squeeze()
    np.testing.assert_array_equal(decoded, expected)


def test_wrong_shape_names_shape_and_accepted_shapes():
    with pytest.raises(
        ValueError, match=r"data_or_path.*\(2, 3, 5\).*accepted shapes.*\(H, W, 3\)"
    ):
        Image(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match=r"\(2, 2, 3, 3\)"):
        Image(np.zeros((2, 2, 3, 3)))


def test_float_unit_range_scales_by_255():
    pixels = np.array([[0.0, 0.5, 1.0]])
    np.testing.assert_array_equal(Image(pixels).to_numpy(), [[0, 128, 255]])


def test_float_signed_range_maps_to_0_255():
    pixels = np.array([[-1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(Image(pixels).to_numpy(), [[0, 128, 255]])


def test_out_of_range_clips_with_one_warning():
    pixels = np.array([[-20.0, 100.0, 300.0], [5.0, 600.0, -1.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image = Image(pixels)
    assert len(caught) == 1 and "clipping to 0..255" in str(caught[0].message)
    np.testing.assert_array_equal(image.to_numpy(), [[0, 100, 255], [5, 255, 0]])


def test_float_pixels_in_0_255_are_used_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = Image(np.array([[0.0, 12.4, 200.0]]))
    np.testing.assert_array_equal(image.to_numpy(), [[0, 12, 200]])


def test_nan_and_inf_are_errors():
    with pytest.raises(ValueError, match=r"data_or_path.*1 NaN and 0 inf"):
        Image(np.array([[0.1, np.nan]]))
    with pytest.raises(ValueError, match=r"0 NaN and 1 inf"):
        Image(np.array([[0.1, np.inf]]))


def test_bool_array_is_black_and_white():
    np.testing.assert_array_equal(Image(np.array([[True, False]])).to_numpy(), [[255, 0]])


def test_non_numeric_array_is_type_error():
    with pytest.raises(TypeError, match="data_or_path.*dtype"):
        Image(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="data_or_path.*got dict"):
        Image({"not": "an image"})


def test_constructor_copies_the_array():
    pixels = np.zeros((2, 2), dtype=np.uint8)
    image = Image(pixels)
    pixels[:] = 255
    np.testing.assert_array_equal(image.to_numpy(), np.zeros((2, 2)))


def test_tensor_like_objects_go_through_numpy():
    class FakeTensor:  # what torch exposes without importing torch: detach/cpu/numpy
        shape = (2, 2)

        def detach(self):
            return self

        def cpu(self):
            return self

        def numpy(self):
            return np.full((2, 2), 0.5, dtype=np.float32)

    np.testing.assert_array_equal(Image(FakeTensor()).to_numpy(), np.full((2, 2), 128))


def test_mode_is_honoured_like_pil():
    pixels = rgb_gradient()
    image = Image(pixels, mode="L")
    assert image.mode == "L"
    expected = np.array(PIL.Image.fromarray(pixels).convert("L"))
    np.testing.assert_array_equal(decode_png(image.to_payload()["buffers"]["image"]), expected)
    gray = Image(np.zeros((3, 3), dtype=np.uint8), mode="RGB")
    assert gray.to_numpy().shape == (3, 3, 3)
    with pytest.raises(
        ValueError, match=r"mode: got 'CMYK'; accepted modes: \['L', 'LA', 'RGB', 'RGBA'\]"
    ):
        Image(pixels, mode="CMYK")


def test_caption_must_be_str():
    assert Image(np.zeros((2, 2)), caption="hi").to_payload()["caption"] == "hi"
    with pytest.raises(TypeError, match="caption: expected str or None, got int"):
        Image(np.zeros((2, 2)), caption=3)


def test_png_compress_level_constant_is_used(monkeypatch):
    noise = np.random.default_rng(1).integers(0, 4, size=(64, 64), dtype=np.uint8)
    monkeypatch.setattr(image_module, "PNG_COMPRESS_LEVEL", 0)
    stored = len(Image(noise).to_payload()["buffers"]["image"])
    monkeypatch.setattr(image_module, "PNG_COMPRESS_LEVEL", 9)
    compressed = len(Image(noise).to_payload()["buffers"]["image"])
    assert stored > 64 * 64 > compressed


# --------------------------------------------------------------------------- PIL, files


def test_pil_image_is_copied():
    pil = PIL.Image.new("RGB", (3, 2), (10, 20, 30))
    image = Image(pil)
    pil.paste((255, 255, 255), (0, 0, 3, 2))
    assert image.to_numpy()[0, 0].tolist() == [10, 20, 30]
    assert (image.width, image.height, image.mode) == (3, 2, "RGB")


def test_palette_pil_image_is_shown_as_rgb():
    pil = PIL.Image.new("P", (2, 2))
    pil.putpalette([0, 0, 0, 200, 100, 50] + [0] * 762)
    pil.putpixel((1, 1), 1)
    image = Image(pil)
    assert image.mode == "RGB"
    assert decode_png(image.to_payload()["buffers"]["image"])[1, 1].tolist() == [200, 100, 50]


def test_jpeg_file_is_passed_through_byte_for_byte(tmp_path):
    path = tmp_path / "photo.jpg"
    PIL.Image.fromarray(rgb_gradient(16, 16)).save(path, quality=80)
    payload = Image(str(path), caption="jpg").to_payload()
    assert payload["buffers"]["image"] == path.read_bytes()
    assert (payload["format"], payload["width"], payload["height"]) == ("jpeg", 16, 16)


def test_binary_file_object_and_pathlike(tmp_path):
    path = tmp_path / "x.png"
    PIL.Image.fromarray(rgb_gradient()).save(path)
    with open(path, "rb") as file:
        from_file = Image(file)
    assert from_file.to_payload()["buffers"]["image"] == path.read_bytes()
    np.testing.assert_array_equal(Image(path).to_numpy(), rgb_gradient())


def test_text_file_object_is_rejected(tmp_path):
    path = tmp_path / "x.png"
    path.write_text("hello")
    with open(path) as file, pytest.raises(TypeError, match=r"binary mode \('rb'\)"):
        Image(file)


def test_missing_file_and_non_image_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="data_or_path: no such image file.*nope.png"):
        Image(str(tmp_path / "nope.png"))
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(ValueError, match="notes.png' is not an image file Pillow can read"):
        Image(str(text))


def test_tiff_file_is_reencoded_as_png(tmp_path):
    path = tmp_path / "x.tiff"
    PIL.Image.fromarray(rgb_gradient()).save(path)
    payload = Image(path).to_payload()
    assert payload["format"] == "png"
    np.testing.assert_array_equal(decode_png(payload["buffers"]["image"]), rgb_gradient())


# --------------------------------------------------------------------------- masks


def test_mask_with_small_ids_is_an_8bit_png_and_labels_default():
    mask = np.zeros((4, 5), dtype=np.int64)
    mask[1:3, 1:4] = 2
    mask[0, 0] = 7
    payload = Image(
        np.zeros((4, 5, 3)),
        masks={"pred": {"mask_data": mask, "class_labels": {2: "car", 3: "road"}}},
    ).to_payload()
    layer = payload["masks"]["pred"]
    assert layer == {
        "class_labels": {"0": "class_0", "2": "car", "3": "road", "7": "class_7"},
        "encoding": "L",
        "buffer": "mask/pred",
        "classes": [0, 2, 7],
    }
    png = payload["buffers"]["mask/pred"]
    with PIL.Image.open(io.BytesIO(png)) as pil:
        assert pil.mode == "L"
        np.testing.assert_array_equal(np.array(pil), mask)


def test_mask_with_large_ids_is_rgb16():
    mask = np.array([[0, 255, 256], [1000, 65535, 3]], dtype=np.int32)
    payload = Image(np.zeros((2, 3)), masks={"m": {"mask_data": mask}}).to_payload()
    assert payload["masks"]["m"]["encoding"] == "RGB16"
    rgb = decode_png(payload["buffers"]["mask/m"])
    np.testing.assert_array_equal(rgb[..., 0], mask >> 8)
    np.testing.assert_array_equal(rgb[..., 1], mask & 255)
    np.testing.assert_array_equal(rgb[..., 2], 0)
    np.testing.assert_array_equal(decode_mask("RGB16", payload["buffers"]["mask/m"]), mask)


def test_mask_shape_must_match_image():
    with pytest.raises(
        ValueError, match=r"masks\['pred'\].*\(3, 3\).*image's height and width \(4, 5\)"
    ):
        Image(np.zeros((4, 5)), masks={"pred": {"mask_data": np.zeros((3, 3), dtype=int)}})


@pytest.mark.parametrize(
    ("mask_value", "message"),
    [
        (-1, r"class id -1 is outside the accepted range 0..65535"),
        (70000, r"class id 70000 is outside the accepted range 0..65535"),
        (1.5, r"non-integer value 1.5"),
    ],
)
def test_mask_bad_ids(mask_value, message):
    mask = np.zeros((2, 2), dtype=type(mask_value))
    mask[0, 0] = mask_value
    with pytest.raises(ValueError, match=message):
        Image(np.zeros((2, 2)), masks={"m": {"mask_data": mask}})


def test_integral_float_masks_are_accepted():
    image = Image(np.zeros((2, 2)), masks={"m": {"mask_data": np.array([[0.0, 1.0], [2.0, 2.0]])}})
    np.testing.assert_array_equal(image.masks["m"]["mask_data"], [[0, 1], [2, 2]])


def test_mask_layer_errors():
    image_pixels = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"exactly one of 'mask_data' or 'path'"):
        Image(image_pixels, masks={"m": {"class_labels": {1: "a"}}})
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['labels'\]; accepted keys"):
        Image(image_pixels, masks={"m": {"mask_data": np.zeros((2, 2), int), "labels": {}}})
    with pytest.raises(ValueError, match=r"2-D \(height, width\).*\(2, 2, 3\)"):
        Image(image_pixels, masks={"m": {"mask_data": np.zeros((2, 2, 3), int)}})
    with pytest.raises(TypeError, match=r"class ids must be integers.*'car'"):
        Image(
            image_pixels,
            masks={"m": {"mask_data": np.zeros((2, 2), int), "class_labels": {"car": 1}}},
        )


def test_mask_from_path(tmp_path):
    mask = np.array([[0, 1, 2], [3, 3, 3]], dtype=np.uint8)
    path = tmp_path / "mask.png"
    PIL.Image.fromarray(mask).save(path)
    image = Image(np.zeros((2, 3)), masks={"gt": {"path": str(path), "class_labels": {3: "sky"}}})
    np.testing.assert_array_equal(image.masks["gt"]["mask_data"], mask)
    assert image.masks["gt"]["class_labels"][3] == "sky"
    rgb_path = tmp_path / "rgb.png"
    PIL.Image.new("RGB", (3, 2)).save(rgb_path)
    with pytest.raises(ValueError, match=r"has mode 'RGB'; a mask file must be single-channel"):
        Image(np.zeros((2, 3)), masks={"gt": {"path": str(rgb_path)}})
    with pytest.raises(FileNotFoundError, match="no such mask file"):
        Image(np.zeros((2, 3)), masks={"gt": {"path": str(tmp_path / "missing.png")}})


def test_mask_is_copied():
    mask = np.zeros((2, 2), dtype=np.uint8)
    image = Image(np.zeros((2, 2)), masks={"m": {"mask_data": mask}})
    mask[:] = 9
    assert image.to_payload()["masks"]["m"]["classes"] == [0]


# --------------------------------------------------------------------------- boxes


def reference_boxes():
    return {
        "predictions": {
            "box_data": [
                {
                    "position": {"minX": 0.1, "maxX": 0.2, "minY": 0.3, "maxY": 0.4},
                    "class_id": 2,
                    "box_caption": "road",
                    "scores": {"acc": 0.1, "loss": 1.2},
                },
                {
                    "position": {"middle": [150, 20], "width": 68, "height": 112},
                    "domain": "pixel",
                    "class_id": np.int64(3),
                    "box_caption": "a building",
                    "scores": {"acc": np.float32(0.5), "iou": 0.7},
                },
            ],
            "class_labels": {1: "car", 2: "road"},
        }
    }


def test_boxes_are_canonicalised_to_min_max():
    payload = Image(np.zeros((200, 300, 3)), boxes=reference_boxes()).to_payload()
    group = payload["boxes"]["predictions"]
    assert group["class_labels"] == {"1": "car", "2": "road", "3": "class_3"}
    assert group["score_names"] == ["acc", "iou", "loss"]
    assert group["box_data"][0] == {
        "minX": 0.1,
        "minY": 0.3,
        "maxX": 0.2,
        "maxY": 0.4,
        "domain": None,
        "class_id": 2,
        "box_caption": "road",
        "scores": {"acc": 0.1, "loss": 1.2},
    }
    assert group["box_data"][1] == {
        "minX": 116.0,
        "minY": -36.0,
        "maxX": 184.0,
        "maxY": 76.0,
        "domain": "pixel",
        "class_id": 3,
        "box_caption": "a building",
        "scores": {"acc": 0.5, "iou": 0.7},
    }
    assert type(group["box_data"][1]["class_id"]) is int
    json.dumps(meta_of(payload))


def one_box(**overrides):
    box = {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "class_id": 1}
    box.update(overrides)
    return {"g": {"box_data": [box]}}


@pytest.mark.parametrize(
    ("boxes", "error", "message"),
    [
        (one_box(domain="percent"), ValueError, r"\['domain'\]: got 'percent'; accepted: 'pixel'"),
        (
            one_box(position={"minX": 2, "maxX": 1, "minY": 0, "maxY": 1}),
            ValueError,
            r"min must be <= max.*minX=2",
        ),
        (
            one_box(colour="red"),
            ValueError,
            r"unknown key\(s\) \['colour'\]; accepted keys: \['position', 'class_id'",
        ),
        (
            one_box(position={"minX": 0, "maxX": 1, "minY": 0, "maxY": 1, "z": 3}),
            ValueError,
            r"unknown key\(s\) \['z'\]; accepted: exactly",
        ),
        (
            one_box(position={"minX": 0, "maxX": 1}),
            ValueError,
            r"got keys \['maxX', 'minX'\]; accepted: exactly",
        ),
        (
            {"g": {"box_data": [{"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}}]}},
            ValueError,
            r"box_data'\]\[0\]: missing 'class_id'",
        ),
        (
            one_box(scores={"acc": "high"}),
            TypeError,
            r"\['scores'\]\['acc'\]: expected a number, got str",
        ),
        (one_box(class_id=1.5), TypeError, r"\['class_id'\]: expected an integer, got float"),
        (
            one_box(position={"middle": [0, 0], "width": -1, "height": 1}),
            ValueError,
            r"width and height must be >= 0",
        ),
        (
            {"g": {"boxes": []}},
            ValueError,
            r"unknown key\(s\) \['boxes'\]; accepted keys: \['box_data', 'class_labels'\]",
        ),
    ],
)
def test_box_errors(boxes, error, message):
    with pytest.raises(error, match=message):
        Image(np.zeros((2, 2)), boxes=boxes)


# --------------------------------------------------------------------------- round trips


def test_round_trip_array_with_overlays():
    mask = np.zeros((200, 300), dtype=np.uint16)
    mask[10:20, 30:40] = 300
    original = Image(
        np.random.default_rng(2).random((200, 300, 3)),
        caption="cap",
        masks={"pred": {"mask_data": mask, "class_labels": {300: "tree"}}},
        boxes=reference_boxes(),
    )
    restored = from_payload(original.to_payload())
    assert isinstance(restored, Image)
    assert restored == original
    assert restored.to_payload()["buffers"]["image"] == original.to_payload()["buffers"]["image"]
    assert restored.masks["pred"]["class_labels"] == {0: "class_0", 300: "tree"}


def test_round_trip_jpeg_and_rgba_and_inequality(tmp_path):
    path = tmp_path / "p.jpg"
    PIL.Image.fromarray(rgb_gradient(8, 8)).save(path)
    jpeg = Image(path)
    assert from_payload(jpeg.to_payload()) == jpeg
    rgba = Image(np.full((3, 3, 4), 7, dtype=np.uint8))
    assert from_payload(rgba.to_payload()) == rgba
    assert Image(np.zeros((2, 2))) != Image(np.ones((2, 2)))
    assert Image(np.zeros((2, 2)), caption="a") != Image(np.zeros((2, 2)), caption="b")


def test_matplotlib_figure_becomes_its_rendered_png():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    fig.patch.set_facecolor((1.0, 0.0, 0.0))
    ax.set_axis_off()
    image = Image(fig, caption="loss curve")
    plt.close(fig)
    pixels = image.to_numpy()
    assert image.to_payload()["format"] == "png"
    assert pixels.shape[0] > 10 and pixels.shape[1] > 10
    assert tuple(pixels[1, 1, :3]) == (255, 0, 0)
