import CHarfBuzz
import Foundation

/// HarfBuzz and hb-subset, opened with `dlopen` the first time a document is drawn with fonts: the kiosk does not
/// load them (nor glib, freetype and the rest they bring) while a visitor checks in, only when something is
/// printed. Without the libraries, documents fall back to the standard fonts (transliterated, counted).
/// The types and constants come from the headers (`CHarfBuzz`, which links nothing).
struct HarfBuzzLibrary: @unchecked Sendable {
    typealias Blob = OpaquePointer
    let blob_create: @convention(c) (UnsafePointer<CChar>?, UInt32, hb_memory_mode_t, UnsafeMutableRawPointer?, hb_destroy_func_t?) -> Blob?
    let blob_destroy: @convention(c) (Blob?) -> Void
    let blob_get_data: @convention(c) (Blob?, UnsafeMutablePointer<UInt32>?) -> UnsafePointer<CChar>?
    let face_create: @convention(c) (Blob?, UInt32) -> OpaquePointer?
    let face_destroy: @convention(c) (OpaquePointer?) -> Void
    let face_get_upem: @convention(c) (OpaquePointer?) -> UInt32
    let face_reference_blob: @convention(c) (OpaquePointer?) -> Blob?
    let font_create: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let font_destroy: @convention(c) (OpaquePointer?) -> Void
    let font_set_scale: @convention(c) (OpaquePointer?, Int32, Int32) -> Void
    let ot_font_set_funcs: @convention(c) (OpaquePointer?) -> Void
    let font_get_nominal_glyph: @convention(c) (OpaquePointer?, UInt32, UnsafeMutablePointer<UInt32>?) -> Int32
    let font_get_glyph_h_advance: @convention(c) (OpaquePointer?, UInt32) -> Int32
    let font_get_h_extents: @convention(c) (OpaquePointer?, UnsafeMutablePointer<hb_font_extents_t>?) -> Int32
    let ot_metrics_get_position: @convention(c) (OpaquePointer?, hb_ot_metrics_tag_t, UnsafeMutablePointer<Int32>?) -> Int32
    let buffer_create: @convention(c) () -> OpaquePointer?
    let buffer_destroy: @convention(c) (OpaquePointer?) -> Void
    let buffer_add_utf32: @convention(c) (OpaquePointer?, UnsafePointer<UInt32>?, Int32, UInt32, Int32) -> Void
    let buffer_guess_segment_properties: @convention(c) (OpaquePointer?) -> Void
    let buffer_set_direction: @convention(c) (OpaquePointer?, hb_direction_t) -> Void
    let buffer_set_cluster_level: @convention(c) (OpaquePointer?, hb_buffer_cluster_level_t) -> Void
    // Glyph outlines (hb-draw, HarfBuzz 4+; hb_font_get_glyph_shape, renamed hb_font_draw_glyph in 7.0): what the
    // ticket's raster fills. Optional: documents do not need them.
    let draw: Draw?
    struct Draw {
    let draw_funcs_create: @convention(c) () -> OpaquePointer?
    let draw_funcs_destroy: @convention(c) (OpaquePointer?) -> Void
    let draw_funcs_set_move_to_func: @convention(c) (OpaquePointer?, hb_draw_move_to_func_t?, UnsafeMutableRawPointer?, hb_destroy_func_t?) -> Void
    let draw_funcs_set_line_to_func: @convention(c) (OpaquePointer?, hb_draw_line_to_func_t?, UnsafeMutableRawPointer?, hb_destroy_func_t?) -> Void
    let draw_funcs_set_quadratic_to_func: @convention(c) (OpaquePointer?, hb_draw_quadratic_to_func_t?, UnsafeMutableRawPointer?, hb_destroy_func_t?) -> Void
    let draw_funcs_set_cubic_to_func: @convention(c) (OpaquePointer?, hb_draw_cubic_to_func_t?, UnsafeMutableRawPointer?, hb_destroy_func_t?) -> Void
    let draw_funcs_set_close_path_func: @convention(c) (OpaquePointer?, hb_draw_close_path_func_t?, UnsafeMutableRawPointer?, hb_destroy_func_t?) -> Void
    let font_draw_glyph: @convention(c) (OpaquePointer?, UInt32, OpaquePointer?, UnsafeMutableRawPointer?) -> Void
    }
    let shape: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafePointer<hb_feature_t>?, UInt32) -> Void
    let buffer_get_glyph_infos: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt32>?) -> UnsafeMutablePointer<hb_glyph_info_t>?
    let buffer_get_glyph_positions: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt32>?) -> UnsafeMutablePointer<hb_glyph_position_t>?
    let set_add: @convention(c) (OpaquePointer?, UInt32) -> Void
    let set_clear: @convention(c) (OpaquePointer?) -> Void
    let subset_input_create_or_fail: @convention(c) () -> OpaquePointer?
    let subset_input_destroy: @convention(c) (OpaquePointer?) -> Void
    let subset_input_set: @convention(c) (OpaquePointer?, hb_subset_sets_t) -> OpaquePointer?
    let subset_input_set_flags: @convention(c) (OpaquePointer?, UInt32) -> Void
    let subset_plan_create_or_fail: @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?
    let subset_plan_execute_or_fail: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let subset_plan_old_to_new_glyph_mapping: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let subset_plan_destroy: @convention(c) (OpaquePointer?) -> Void
    let subset_preprocess: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let map_get: @convention(c) (OpaquePointer?, UInt32) -> UInt32

    /// The libraries, opened once; nil when they are not installed.
    static let shared: HarfBuzzLibrary? = HarfBuzzLibrary()

    struct Missing: Error {}

    init?() {
        guard let main = dlopen("libharfbuzz.so.0", RTLD_NOW | RTLD_LOCAL), let subset = dlopen("libharfbuzz-subset.so.0", RTLD_NOW | RTLD_LOCAL) else {
            return nil
        }
        func load<T>(_ handle: UnsafeMutableRawPointer, _ name: String) throws -> T {
            guard let symbol = dlsym(handle, name) else { throw Missing() }
            return unsafeBitCast(symbol, to: T.self)
        }
        do {
            blob_create = try load(main, "hb_blob_create")
            blob_destroy = try load(main, "hb_blob_destroy")
            blob_get_data = try load(main, "hb_blob_get_data")
            face_create = try load(main, "hb_face_create")
            face_destroy = try load(main, "hb_face_destroy")
            face_get_upem = try load(main, "hb_face_get_upem")
            face_reference_blob = try load(main, "hb_face_reference_blob")
            font_create = try load(main, "hb_font_create")
            font_destroy = try load(main, "hb_font_destroy")
            font_set_scale = try load(main, "hb_font_set_scale")
            ot_font_set_funcs = try load(main, "hb_ot_font_set_funcs")
            font_get_nominal_glyph = try load(main, "hb_font_get_nominal_glyph")
            font_get_glyph_h_advance = try load(main, "hb_font_get_glyph_h_advance")
            font_get_h_extents = try load(main, "hb_font_get_h_extents")
            ot_metrics_get_position = try load(main, "hb_ot_metrics_get_position")
            buffer_create = try load(main, "hb_buffer_create")
            buffer_destroy = try load(main, "hb_buffer_destroy")
            buffer_add_utf32 = try load(main, "hb_buffer_add_utf32")
            buffer_guess_segment_properties = try load(main, "hb_buffer_guess_segment_properties")
            buffer_set_direction = try load(main, "hb_buffer_set_direction")
            buffer_set_cluster_level = try load(main, "hb_buffer_set_cluster_level")
            draw = try? Draw(draw_funcs_create: load(main, "hb_draw_funcs_create"), draw_funcs_destroy: load(main, "hb_draw_funcs_destroy"),
                             draw_funcs_set_move_to_func: load(main, "hb_draw_funcs_set_move_to_func"),
                             draw_funcs_set_line_to_func: load(main, "hb_draw_funcs_set_line_to_func"),
                             draw_funcs_set_quadratic_to_func: load(main, "hb_draw_funcs_set_quadratic_to_func"),
                             draw_funcs_set_cubic_to_func: load(main, "hb_draw_funcs_set_cubic_to_func"),
                             draw_funcs_set_close_path_func: load(main, "hb_draw_funcs_set_close_path_func"),
                             font_draw_glyph: (try? load(main, "hb_font_draw_glyph")) ?? load(main, "hb_font_get_glyph_shape"))
            shape = try load(main, "hb_shape")
            buffer_get_glyph_infos = try load(main, "hb_buffer_get_glyph_infos")
            buffer_get_glyph_positions = try load(main, "hb_buffer_get_glyph_positions")
            set_add = try load(main, "hb_set_add")
            set_clear = try load(main, "hb_set_clear")
            subset_input_create_or_fail = try load(subset, "hb_subset_input_create_or_fail")
            subset_input_destroy = try load(subset, "hb_subset_input_destroy")
            subset_input_set = try load(subset, "hb_subset_input_set")
            subset_input_set_flags = try load(subset, "hb_subset_input_set_flags")
            subset_plan_create_or_fail = try load(subset, "hb_subset_plan_create_or_fail")
            subset_plan_execute_or_fail = try load(subset, "hb_subset_plan_execute_or_fail")
            subset_plan_old_to_new_glyph_mapping = try load(subset, "hb_subset_plan_old_to_new_glyph_mapping")
            subset_plan_destroy = try load(subset, "hb_subset_plan_destroy")
            subset_preprocess = try load(subset, "hb_subset_preprocess")
            map_get = try load(main, "hb_map_get")
        } catch {
            return nil
        }
    }
}
