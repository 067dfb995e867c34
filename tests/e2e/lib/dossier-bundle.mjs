// The test office with processing offices and four procedures of known
// legal times, for the dossier tests.
import { TEST_BUNDLE } from './harness.mjs';

export const DOSSIER_BUNDLE = {
  ...TEST_BUNDLE,
  offices: [
    { code: 'one-stop', name: 'Bộ phận Một cửa' },
    { code: 'TP', name: 'Phòng Tư pháp' },
    { code: 'TNMT', name: 'Phòng Tài nguyên và Môi trường' },
    { code: 'CA', name: 'Công an xã', kind: 'partner' },
  ],
  procedures: [
    { code: 'P3', name: 'Đăng ký kết hôn', field: 'Hộ tịch', level: 'commune', office: 'TP',
      processing: { unit: 'working_days', amount: 3 }, fee_vnd: 0,
      documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1, required: true }],
      steps: [{ office: 'TP', days: 2 }] },
    { code: 'P5', name: 'Đăng ký biến động đất đai', field: 'Đất đai', level: 'district', office: 'TNMT',
      processing: { unit: 'working_days', amount: 5 }, fee_vnd: 50000 },
    { code: 'PI', name: 'Liên thông khai tử – xóa thường trú', field: 'Hộ tịch', level: 'commune', office: 'TP',
      processing: { unit: 'working_days', amount: 3 }, partners: ['CA'],
      steps: [{ office: 'TP', days: 1 }, { office: 'CA', days: 2 }] },
    { code: 'PS', name: 'Chứng thực bản sao', field: 'Chứng thực', level: 'commune', office: 'TP',
      processing: { unit: 'same_day', amount: 0, cutoff: '15:00' }, fee_vnd: 2000 },
  ],
};
